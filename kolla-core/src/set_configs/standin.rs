//! Stand-in service images (filled in below).
