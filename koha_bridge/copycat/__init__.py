"""Copy cataloguing: class numbers of other catalogues, asked by ISBN (SRU)."""
