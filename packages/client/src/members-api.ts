import type { Transport } from './transport.js';
import type { Member } from './user-types.js';

const membersPath = (id: string) => `images/${encodeURIComponent(id)}/members`;

/**
 * Sharing an image (`auth` plugin; docs/rest-api.md "Sharing"), for its owner and admins:
 * others who may read the image get 403, those who may not get 404.
 */
export class MembersApi {
  constructor(private readonly transport: Transport) {}

  /** `GET /images/:id/members`: the users the image is shared with. */
  async list(id: string): Promise<Member[]> {
    return (await this.transport.json<{ members: Member[] }>('GET', membersPath(id))).members;
  }

  /** `PUT /images/:id/members/:access_key`: shares the image (again is no error). 404 for an unknown user. */
  async add(id: string, accessKey: string): Promise<void> {
    await this.transport.send('PUT', `${membersPath(id)}/${encodeURIComponent(accessKey)}`);
  }

  /** `DELETE /images/:id/members/:access_key`: stops sharing. 404 when the user is not a member. */
  async remove(id: string, accessKey: string): Promise<void> {
    await this.transport.send('DELETE', `${membersPath(id)}/${encodeURIComponent(accessKey)}`);
  }
}
