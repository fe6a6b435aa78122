import type { Db } from './host.js';
import { MEMBERS_TABLE } from './schema.js';

export interface Member {
  access_key: string;
  created_at: string;
}

/** Who an image is shared with. */
export class MemberStore {
  constructor(private readonly db: Db) {}

  async list(imageId: string): Promise<Member[]> {
    return this.db(MEMBERS_TABLE).select('access_key', 'created_at').where({ image_id: imageId }).orderBy('access_key');
  }

  async isMember(imageId: string, accessKey: string): Promise<boolean> {
    return (await this.db(MEMBERS_TABLE).select('access_key').where({ image_id: imageId, access_key: accessKey }).first()) !== undefined;
  }

  /** Adds a member; false when they already were one. */
  async add(imageId: string, accessKey: string): Promise<boolean> {
    if (await this.isMember(imageId, accessKey)) return false;
    try {
      await this.db(MEMBERS_TABLE).insert({ image_id: imageId, access_key: accessKey, created_at: new Date().toISOString() });
      return true;
    } catch (error) {
      // A concurrent request added the same member first.
      if (await this.isMember(imageId, accessKey)) return false;
      throw error;
    }
  }

  /** Removes a member; false when they were not one. */
  async remove(imageId: string, accessKey: string): Promise<boolean> {
    return (await this.db(MEMBERS_TABLE).where({ image_id: imageId, access_key: accessKey }).delete()) > 0;
  }

  async removeImage(imageId: string): Promise<void> {
    await this.db(MEMBERS_TABLE).where({ image_id: imageId }).delete();
  }
}
