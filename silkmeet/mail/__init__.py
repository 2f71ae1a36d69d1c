"""Mail: the outbox (operations), its delivery (worker, transport) and commands."""
