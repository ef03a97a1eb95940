name = b'caf\xe9'.decode('utf-8', 'surrogateescape')
raise FileNotFoundError(name)
