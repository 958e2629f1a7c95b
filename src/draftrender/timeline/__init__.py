"""Timeline: compile a draft into a pure render plan (what is on screen and in the speakers, when)."""
