from .launcher import entry

entry()
