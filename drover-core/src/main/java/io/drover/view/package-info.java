/**
 * The herd as people's tools read it: one typed, versioned schema ({@link io.drover.view.HerdView}) that
 * {@code drover show --json}, {@code drover status --json} and the web API's {@code /api/herd} all emit, each filling
 * in what it looks at (see docs/web.md). Values only: the commands and the web observer assemble them.
 */
package io.drover.view;
