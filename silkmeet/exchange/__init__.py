"""Conference import and export in the conference JSON format."""
