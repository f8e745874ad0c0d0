"""Writing plans: DOCX/PDF from a record, new drafts, rollover, NĐ 30 lint."""
