export { buildProgram, runCli } from './program.js';
export { resolveSettings, type Settings, type ConnectionFlags } from './config/settings.js';
export { readCredentials, writeCredentials, credentialsPath, type Profile, type CredentialsDocument } from './config/credentials-file.js';
export { downloadImage, type DownloadRequest, type DownloadResult } from './transfer/download.js';
export { uploadFile, type UploadRequest, type UploadResult } from './transfer/upload.js';
export { parseKeyValue, fieldsFromArguments, filtersFromArguments } from './fields/key-values.js';
export { EXIT, CliError, UsageError } from './errors/exit-codes.js';
