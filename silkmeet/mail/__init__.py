"""Mail: the messages participants receive (messages), the outbox (operations),
its delivery (worker, transport) and commands."""
