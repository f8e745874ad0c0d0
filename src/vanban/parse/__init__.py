"""Reading plans: readers turn files into blocks, parsing turns blocks into a record."""
