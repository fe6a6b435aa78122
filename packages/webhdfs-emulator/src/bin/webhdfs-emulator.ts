#!/usr/bin/env node
// Starts a WebHDFS emulator on 127.0.0.1 and prints one JSON line with its URLs; stops on SIGTERM/SIGINT.
//   webhdfs-emulator [--namenode-port N] [--datanode-port N] [--data-dir DIR]
import { parseArgs } from 'node:util';
import { startWebHdfsEmulator } from '../emulator.js';

const { values } = parseArgs({
  options: {
    'namenode-port': { type: 'string' },
    'datanode-port': { type: 'string' },
    'data-dir': { type: 'string' },
  },
});
const port = (value: string | undefined) => (value === undefined ? undefined : Number(value));
const namenodePort = port(values['namenode-port']);
const datanodePort = port(values['datanode-port']);
const emulator = await startWebHdfsEmulator({
  ...(namenodePort === undefined ? {} : { namenodePorts: [namenodePort] }),
  ...(datanodePort === undefined ? {} : { datanodePort }),
  ...(values['data-dir'] === undefined ? {} : { dataDir: values['data-dir'] }),
});
console.log(JSON.stringify({ namenode: emulator.namenodeUrls[0], datanode: emulator.datanode.url, pid: process.pid }));
const stop = () => void emulator.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
