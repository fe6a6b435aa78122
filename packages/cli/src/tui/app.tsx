import { basename, extname } from 'node:path';
import { Box, Text, useApp, useInput, type Key } from 'ink';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { HistoryEvent, Image, RegisterFields, Stats, UpdateFields, VisorClient } from '@visor/client';
import { describeError } from '../errors/exit-codes.js';
import { FORMATS } from '../fields/image-fields.js';
import { fieldsFromArguments } from '../fields/key-values.js';
import { digestName } from '../output/human.js';
import { downloadImage } from '../transfer/download.js';
import type { ProgressSnapshot } from '../transfer/progress.js';
import { uploadFile } from '../transfer/upload.js';
import { Dashboard } from './components/dashboard.js';
import { DetailPane } from './components/detail-pane.js';
import { HelpView } from './components/help-view.js';
import { HistoryView } from './components/history-view.js';
import { ImageTable } from './components/image-table.js';
import { LineInput } from './components/line-input.js';
import { StatusLine } from './components/status-line.js';
import { TransfersPanel, type TransferItem } from './components/transfers-panel.js';
import { SORT_CYCLE, describeQuery, matchesText, parseFilterInput, type ListQuery } from './list-query.js';
import { completePath } from './path-completion.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface AppProps {
  client: VisorClient;
  /** Shown in the status line. */
  server: string;
  user: string;
  /** Where downloads go and relative upload paths start (the working directory by default). */
  directory?: string;
}

type View = 'images' | 'dashboard' | 'help' | 'history';
type Prompt =
  | { kind: 'filter' }
  | { kind: 'upload-path' }
  | { kind: 'upload-fields'; path: string }
  | { kind: 'share'; image: Image }
  | { kind: 'edit'; image: Image }
  | { kind: 'delete'; image: Image };

/** Images fetched per listing (one page of the server's maximum). */
const PAGE = 1000;

/** The interactive UI: image browser with detail pane, prompts, transfers panel, dashboard, history and help. */
export function App({ client, server, user, directory = process.cwd() }: AppProps) {
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const [query, setQuery] = useState<ListQuery>({ filters: {}, text: '', sort: 'created_at', dir: 'asc' });
  const [images, setImages] = useState<Image[]>([]);
  const [selected, setSelected] = useState(0);
  const [view, setView] = useState<View>('images');
  const [showDetail, setShowDetail] = useState(false);
  const [prompt, setPrompt] = useState<Prompt | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean }>({ text: 'loading…', error: false });
  const [stats, setStats] = useState<Stats | undefined>();
  const [history, setHistory] = useState<{ name: string; events: HistoryEvent[] | undefined } | undefined>();
  const [transfers, setTransfers] = useState<TransferItem[]>([]);
  const nextTransferId = useRef(1);

  const fail = useCallback((error: unknown) => setMessage({ text: describeError(error).message, error: true }), []);
  const say = useCallback((text: string) => setMessage({ text, error: false }), []);

  const refresh = useCallback(async () => {
    try {
      const page = await client.list(query.filters, { detail: true, sort: query.sort, dir: query.dir, limit: PAGE });
      const shown = page.images.filter((i) => matchesText(i, query.text));
      setImages(shown);
      setSelected((s) => Math.min(s, Math.max(0, shown.length - 1)));
      say(`${shown.length} image${shown.length === 1 ? '' : 's'}${describeQuery(query) ? ` matching ${describeQuery(query)}` : ''}, by ${query.sort} ${query.dir}`);
    } catch (error) {
      fail(error);
    }
  }, [client, query, say, fail]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  useEffect(() => {
    if (view !== 'dashboard') return;
    client.stats().then(setStats, fail);
  }, [view, client, fail]);

  const current = images[selected];

  /** Adds a transfer to the panel and returns how to update it (progress drawn at most 5 times a second). */
  const track = (kind: TransferItem['kind'], label: string) => {
    const id = nextTransferId.current++;
    const blank: ProgressSnapshot = { done: 0, total: undefined, rate: 0, eta: undefined };
    setTransfers((list) => [...list, { id, kind, label, progress: blank, state: 'running' }]);
    let last = 0;
    const patch = (change: Partial<TransferItem>) => setTransfers((list) => list.map((t) => (t.id === id ? { ...t, ...change } : t)));
    return {
      progress: (progress: ProgressSnapshot) => {
        const now = performance.now();
        if (now - last < 200 && progress.done !== progress.total) return;
        last = now;
        patch({ progress });
      },
      done: (text: string, progress?: ProgressSnapshot) => patch({ state: 'done', message: text, ...(progress ? { progress } : {}) }),
      failed: (text: string) => patch({ state: 'failed', message: text }),
    };
  };

  const startDownload = (image: Image) => {
    const t = track('download', image.name);
    say(`downloading ${image.name}…`);
    downloadImage(client, image.id, { output: directory, force: false, onProgress: t.progress }).then(
      (r) => {
        t.done(r.verified.length > 0 ? 'verified' : 'saved', { done: r.bytes, total: r.bytes, rate: 0, eta: 0 });
        say(`saved ${r.path}${r.verified.length > 0 ? ` (${r.verified.map(digestName).join(' and ')} verified)` : ''}`);
      },
      (error: unknown) => {
        t.failed('failed');
        fail(error);
      },
    );
  };

  const startUpload = (path: string, fieldsText: string) => {
    let fields;
    try {
      fields = fieldsFromArguments(fieldsText.split(/\s+(?=[+a-z_][a-z0-9_]*:?=)/).filter(Boolean));
    } catch (error) {
      return fail(error);
    }
    const t = track('upload', basename(path));
    uploadFile(client, { register: fields as RegisterFields }, { path, onProgress: t.progress }).then(
      (r) => {
        t.done('stored', { done: r.bytes, total: r.bytes, rate: 0, eta: 0 });
        void refresh().then(() => say(`uploaded ${r.image.name} (${r.image.id})`));
      },
      (error: unknown) => {
        t.failed('failed');
        fail(error);
      },
    );
  };

  const answer = (value: string) => {
    const p = prompt;
    setPrompt(null);
    if (p === null) return;
    const resolvePath = (v: string) => (v.startsWith('/') ? v : `${directory}/${v}`);
    switch (p.kind) {
      case 'filter':
        try {
          setQuery((q) => ({ ...q, ...parseFilterInput(value) }));
          setSelected(0);
        } catch (error) {
          fail(error);
        }
        return;
      case 'upload-path': {
        if (value.trim() === '') return;
        const path = resolvePath(value.trim());
        setPrompt({ kind: 'upload-fields', path });
        return;
      }
      case 'upload-fields':
        return startUpload(p.path, value);
      case 'share': {
        const name = value.trim();
        if (name === '') return;
        const remove = name.startsWith('-');
        const who = remove ? name.slice(1) : name;
        (remove ? client.members.remove(p.image.id, who) : client.members.add(p.image.id, who)).then(
          () => say(`${remove ? 'stopped sharing' : 'shared'} ${p.image.name} ${remove ? 'with' : 'with'} ${who}`),
          fail,
        );
        return;
      }
      case 'edit': {
        if (value.trim() === '') return;
        try {
          const fields = fieldsFromArguments(value.split(/\s+(?=[+a-z_][a-z0-9_]*:?=)/).filter(Boolean));
          client.update(p.image.id, fields as UpdateFields).then(() => refresh().then(() => say(`updated ${p.image.name}`)), fail);
        } catch (error) {
          fail(error);
        }
        return;
      }
      case 'delete':
        return;
    }
  };

  // Ink re-subscribes a changed handler in an effect, after the frame is drawn: a key arriving in
  // between would meet the handler of the frame before (an old list, an old view). One stable
  // handler that calls the latest render's logic, updated as the frame is committed, never does.
  const handleKey = (input: string, key: Key) => {
      if (prompt?.kind === 'delete') {
        const image = prompt.image;
        setPrompt(null);
        if (input === 'y' || input === 'Y') {
          client.delete(image.id).then(() => refresh().then(() => say(`deleted ${image.name}`)), fail);
        } else say('nothing deleted');
        return;
      }
      if (input === 'q') return exit();
      if (input === '?') return setView((v) => (v === 'help' ? 'images' : 'help'));
      if (key.escape) {
        if (view !== 'images') setView('images');
        else setShowDetail(false);
        return;
      }
      if (input === 't') return setView((v) => (v === 'dashboard' ? 'images' : 'dashboard'));
      if (key.tab) return setView((v) => (v === 'images' ? 'dashboard' : 'images'));
      if (input === 'r') {
        void refresh();
        if (view === 'dashboard') client.stats().then(setStats, fail);
        return;
      }
      if (view !== 'images') return;
      const last = Math.max(0, images.length - 1);
      const page = Math.max(1, rows - 8);
      if (key.upArrow) return setSelected((s) => Math.max(0, s - 1));
      if (key.downArrow) return setSelected((s) => Math.min(last, s + 1));
      if (key.pageUp) return setSelected((s) => Math.max(0, s - page));
      if (key.pageDown) return setSelected((s) => Math.min(last, s + page));
      if (key.home) return setSelected(0);
      if (key.end) return setSelected(last);
      if (key.return) return setShowDetail((d) => !d);
      if (input === '/') return setPrompt({ kind: 'filter' });
      if (input === 's') {
        const next = SORT_CYCLE[(SORT_CYCLE.indexOf(query.sort as (typeof SORT_CYCLE)[number]) + 1) % SORT_CYCLE.length]!;
        return setQuery((q) => ({ ...q, sort: next }));
      }
      if (input === 'S') return setQuery((q) => ({ ...q, dir: q.dir === 'asc' ? 'desc' : 'asc' }));
      if (input === 'u') return setPrompt({ kind: 'upload-path' });
      if (current === undefined) return;
      if (input === 'd') return startDownload(current);
      if (input === 'm') return setPrompt({ kind: 'share', image: current });
      if (input === 'e') return setPrompt({ kind: 'edit', image: current });
      if (input === 'x' || key.delete) return setPrompt({ kind: 'delete', image: current });
      if (input === 'i') {
        setHistory({ name: current.name, events: undefined });
        setView('history');
        client.historyAll(current.id).then((events) => setHistory({ name: current.name, events }), fail);
      }
  };
  const latestHandleKey = useRef(handleKey);
  useLayoutEffect(() => {
    latestHandleKey.current = handleKey;
  });
  const onKey = useCallback((input: string, key: Key) => latestHandleKey.current(input, key), []);
  useInput(onKey, { isActive: prompt === null || prompt.kind === 'delete' });

  const transfersHeight = transfers.length === 0 ? 0 : Math.min(3, transfers.length) + 2;
  const bodyHeight = Math.max(3, rows - 4 - transfersHeight);
  const wide = columns >= 110;
  const detailWidth = wide ? Math.min(60, Math.floor(columns * 0.4)) : columns;
  const uploadFields = (path: string) => {
    const ext = extname(path).slice(1).toLowerCase();
    const stem = basename(path, extname(path));
    return `name=${stem.replace(/\s+/g, '_')} architecture=x86_64${(FORMATS as readonly string[]).includes(ext) ? ` format=${ext}` : ''}`;
  };

  let body;
  if (view === 'help') body = <HelpView />;
  else if (view === 'dashboard') body = <Dashboard stats={stats} width={columns} height={bodyHeight} />;
  else if (view === 'history') body = <HistoryView name={history?.name ?? ''} events={history?.events} height={bodyHeight} />;
  else if (!wide && showDetail) body = <DetailPane image={current} height={bodyHeight} width={columns} />;
  else {
    body = (
      <Box>
        <ImageTable images={images} selected={selected} height={bodyHeight} width={wide ? columns - detailWidth - 1 : columns} />
        {wide ? <DetailPane image={current} height={bodyHeight} width={detailWidth} /> : null}
      </Box>
    );
  }

  let bottom: ReactNode;
  if (prompt === null) bottom = null;
  else if (prompt.kind === 'delete') bottom = <Text color="red" wrap="truncate">{`Delete ${prompt.image.name} (${prompt.image.id})? y to delete, any other key to keep it`}</Text>;
  else if (prompt.kind === 'filter') bottom = <LineInput key={prompt.kind} label="filter (k=v or text): " initial={describeQuery(query)} onSubmit={answer} onCancel={() => setPrompt(null)} />;
  else if (prompt.kind === 'upload-path') bottom = <LineInput key={prompt.kind} label="file to upload (Tab completes): " complete={(v) => completePath(v, directory)} onSubmit={answer} onCancel={() => setPrompt(null)} />;
  else if (prompt.kind === 'upload-fields') bottom = <LineInput key={prompt.kind} label="fields: " initial={uploadFields(prompt.path)} onSubmit={answer} onCancel={() => setPrompt(null)} />;
  else if (prompt.kind === 'share') bottom = <LineInput key={prompt.kind} label={`share ${prompt.image.name} with (-user to stop): `} onSubmit={answer} onCancel={() => setPrompt(null)} />;
  else bottom = <LineInput key={prompt.kind} label={`edit ${prompt.image.name} (k=v …): `} onSubmit={answer} onCancel={() => setPrompt(null)} />;

  return (
    // One column and one row short of the terminal: a full last line would scroll some terminals.
    <Box flexDirection="column" width={columns - 1} height={rows - 1}>
      <Text bold wrap="truncate">{`Visor  ${view === 'images' ? 'images' : view}${view === 'images' && describeQuery(query) ? `  [${describeQuery(query)}]` : ''}`}</Text>
      {body}
      <TransfersPanel transfers={transfers} width={columns} />
      <StatusLine server={server} user={user} message={message.text} error={message.error} width={columns - 1}>
        {bottom}
      </StatusLine>
    </Box>
  );
}
