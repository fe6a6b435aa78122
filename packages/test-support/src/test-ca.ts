import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDirSync, removeTempDirSync } from './temp-dir.js';

/** A certificate authority made for one test run, and a server certificate it signed. */
export interface TestCa {
  /** The CA certificate (PEM): what a client is given to trust the server. */
  caCert: string;
  /** Paths of the files, for servers that read them (nginx `ssl_certificate`, `ssl_certificate_key`). */
  caCertFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  /** Removes the files. */
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args[0]} failed (is the openssl CLI installed? apt-get install openssl): ${(error as Error).message}\n${stderr}`);
  }
}

/**
 * Generates, with the openssl CLI, a fresh self-signed CA (EC P-256, valid
 * one day) and a server certificate it signs for `hosts` (subjectAltName: IP
 * addresses as IP entries, the rest as DNS names; default 127.0.0.1, ::1 and
 * localhost). The keys never leave the temp directory.
 */
export function createTestCa(hosts: string[] = ['127.0.0.1', '::1', 'localhost']): TestCa {
  const dir = makeTempDirSync('visor-ca-');
  const san = hosts.map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`)).join(',');
  const curve = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...curve, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=Visor test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  openssl(['req', ...curve, '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${hosts[0] ?? 'localhost'}`], dir);
  writeFileSync(join(dir, 'server.ext'), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt',
    '-days', '1', '-extfile', 'server.ext'], dir);
  return {
    caCert: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    caCertFile: join(dir, 'ca.crt'),
    serverCertFile: join(dir, 'server.crt'),
    serverKeyFile: join(dir, 'server.key'),
    remove: () => removeTempDirSync(dir),
  };
}
