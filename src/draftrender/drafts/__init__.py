"""JianYing drafts: the draft_content.json model, editing operations and on-disk store (no network)."""
