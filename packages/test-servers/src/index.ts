export { startSwift, type SwiftAllInOne, type SwiftOptions, type S3Credentials } from './swift/swift-all-in-one.js';
export { ensureSwiftInstalled, INSTALL_SCRIPT } from './swift/debian-packages.js';
export { startS3rver, type S3rverServer, type S3rverOptions } from './s3rver/start-s3rver.js';
export { ServerProcess } from './server-process.js';
export { LogSocket } from './log-socket.js';
export { freePort, freePorts } from './free-port.js';
export { waitForPort } from './wait-for-port.js';
export { startS3Fronts, WALRUS_SERVICE_PATH, type S3Fronts } from './fronts/s3-fronts.js';
export { startEmulatedDialects, newTestPrefix, type EmulatedDialects } from './fronts/emulated-dialects.js';
