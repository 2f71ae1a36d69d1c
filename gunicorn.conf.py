# gunicorn settings for silkmeet: `gunicorn wsgi:app` reads this file.

# Tokens of personal links never reach the access log.
logger_class = "silkmeet.redact.GunicornLogger"


def post_worker_init(worker):
    """Freeze what the worker loaded (Flask, SQLAlchemy, templates) out of the
    garbage collector's reach: full collections then scan only what requests
    allocate, which takes the collector's pauses off large pages."""
    import gc

    gc.collect()
    gc.freeze()
