"""Draft sources: turn any draft_url form into a local draft folder the renderer can read.

``identify(draft_url, settings, own_exists)`` is cheap (no network): which form, which task key.
``materialize(ref, settings, workdir, progress=, should_stop=)`` downloads a foreign draft and
its materials (safely: fetch.SafeFetcher) and returns a LocalDraft for ``render_draft``.
"""
from .identify import DraftRef, identify, normalise_url
from .materialize import LocalDraft, materialize
from .session import Cancelled

__all__ = ["Cancelled", "DraftRef", "LocalDraft", "identify", "materialize", "normalise_url"]
