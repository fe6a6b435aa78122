import knex from 'knex';

/**
 * Rows that point to nothing, read straight from the server's SQLite file
 * (`<dataDir>/visor.sqlite`, read next to the running server: WAL lets both in):
 * custom properties of images that no longer exist, and (access control on)
 * shares of deleted images or with deleted users. Returns what is wrong.
 */
export async function auditDatabase(file: string, auth: boolean): Promise<string[]> {
  const db = knex({ client: 'sqlite3', connection: { filename: file }, useNullAsDefault: true });
  try {
    const problems: string[] = [];
    const properties = (await db('image_properties').whereNotIn('image_id', db('images').select('id')).select('image_id', 'name')) as Array<{ image_id: string; name: string }>;
    for (const row of properties) problems.push(`property '${row.name}' of image ${row.image_id}, which no longer exists`);
    if (auth) {
      const members = (await db('visor_image_members')
        .whereNotIn('image_id', db('images').select('id'))
        .orWhereNotIn('access_key', db('visor_users').select('access_key'))
        .select('image_id', 'access_key')) as Array<{ image_id: string; access_key: string }>;
      for (const row of members) problems.push(`share of image ${row.image_id} with '${row.access_key}', one of which no longer exists`);
    }
    return problems;
  } finally {
    await db.destroy();
  }
}
