"""One blueprint per area: thin views and their forms."""
