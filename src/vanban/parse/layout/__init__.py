"""Layout: blocks → logical structure (zones, logical tables, lines, the outline).

The same objects whatever the format produced the blocks.
"""
