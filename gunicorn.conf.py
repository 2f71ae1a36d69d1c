# gunicorn settings for silkmeet: `gunicorn wsgi:app` reads this file.
# Tokens of personal links never reach the access log.
logger_class = "silkmeet.redact.GunicornLogger"
