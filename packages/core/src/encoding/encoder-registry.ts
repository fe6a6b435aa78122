import type { EncoderPlugin, VisorHooks } from '@visor/plugin-api';

/** Taps each encoder plugin onto the encode/decode hooks and remembers the media types on offer. */
export class EncoderRegistry {
  private readonly types: string[] = [];
  private readonly added: Array<{ name: string; mediaTypes: string[] }> = [];

  constructor(private readonly hooks: VisorHooks) {}

  add(plugin: EncoderPlugin): void {
    const handles = new Set(plugin.mediaTypes.map((t) => t.toLowerCase()));
    this.types.push(...handles);
    this.added.push({ name: plugin.name, mediaTypes: [...handles] });
    this.hooks.encodeResponse.tap(`encoder-${plugin.name}`, ({ mediaType, document }) =>
      handles.has(mediaType) ? { contentType: `${mediaType}; charset=utf-8`, body: plugin.encode(document) } : undefined,
    );
    this.hooks.decodeRequest.tap(`encoder-${plugin.name}`, ({ mediaType, text }) =>
      handles.has(mediaType) ? { value: plugin.decode(text) } : undefined,
    );
  }

  /** Media types in preference order: the first configured encoder's first type is the default. */
  get mediaTypes(): readonly string[] {
    return this.types;
  }

  /** The encoders in configuration order, with the media types each handles. */
  get encoders(): ReadonlyArray<{ name: string; mediaTypes: readonly string[] }> {
    return this.added;
  }
}
