"""Bytes in and out: format sniffing, decoding, PDF pages, atomic writes, bundled resources."""
