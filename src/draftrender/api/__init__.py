"""HTTP API: capcut-mate's routes under /openapi/capcut-mate/v1 and /v1."""
