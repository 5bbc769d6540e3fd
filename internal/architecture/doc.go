// Package architecture holds no code, only a test that keeps CareWeb's
// dependency direction (docs/architecture.md): the domain at the centre
// depends on nothing of the app, adapters never import each other, and the
// metrics never touch the domain or I/O.
package architecture
