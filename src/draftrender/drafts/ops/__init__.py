"""Editing operations: pure functions over a DraftDoc, one module per capcut-mate route family."""
