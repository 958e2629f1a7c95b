"""draftrender: render CapCut/JianYing drafts headless, behind capcut-mate's HTTP API."""

__version__ = "0.1.0"
