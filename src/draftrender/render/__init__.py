"""Renderer: render plan → frames, text, audio → encoded MP4 (PyAV)."""
