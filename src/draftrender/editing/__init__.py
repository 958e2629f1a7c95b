"""Editing service: joins the draft store, safe downloads and the pure draft operations."""
