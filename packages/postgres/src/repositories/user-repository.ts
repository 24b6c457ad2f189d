import type { SqlClient } from "../sql-client.js";

export interface User {
  id: string;
  createdAt: Date;
  email: string;
}

export class UserRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(user: User): Promise<void> {
    await this.db.query("INSERT INTO users (id, created_at, email) VALUES ($1, $2, $3)", [
      user.id,
      user.createdAt,
      user.email,
    ]);
  }

  async getByEmail(email: string): Promise<User | null> {
    const rows = await this.db.query<{ id: string; created_at: Date; email: string }>(
      "SELECT * FROM users WHERE lower(email) = lower($1)",
      [email],
    );
    const row = rows[0];
    return row === undefined ? null : { id: row.id, createdAt: row.created_at, email: row.email };
  }

  async addMembership(userId: string, organizationId: string, at: Date): Promise<void> {
    await this.db.query(
      "INSERT INTO user_organizations (user_id, organization_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
      [userId, organizationId, at],
    );
  }

  async organizationIds(userId: string): Promise<string[]> {
    const rows = await this.db.query<{ organization_id: string }>(
      "SELECT organization_id FROM user_organizations WHERE user_id = $1 ORDER BY created_at",
      [userId],
    );
    return rows.map((row) => row.organization_id);
  }
}
