/** Buffer size for file reads and writes: large chunks keep downloads and uploads fast. */
export const IO_CHUNK = 1024 * 1024;
