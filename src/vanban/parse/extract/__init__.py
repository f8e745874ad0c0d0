"""Extractors: logical structure → record fields (header, căn cứ, tasks, deadlines, people, signer)."""
