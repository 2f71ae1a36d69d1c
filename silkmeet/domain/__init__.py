"""Framework-free domain logic: imports neither flask nor sqlalchemy."""
