"""The job system: a durable task store (source of truth), a dispatch queue, workers with leases."""
