"""Matching: embeddings of clause text and the FAISS index over the clause library."""
