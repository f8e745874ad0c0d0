"""Readers, one per format: files → blocks with provenance (text, kind, page, box, offsets)."""
