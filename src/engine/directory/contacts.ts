import type { EngineContext } from '../context.js';
import { seconds } from '../context.js';
import type { Actor } from '../actor.js';
import { authorize } from '../access.js';
import { DomainError, invalid, missing, notFound } from '../errors.js';
import { checkPage, pageOf, type Page } from '../paging.js';
import type { ContactsTable } from '../../store/schema.js';
import type { User, Users } from './users.js';

/**
 * One entry of a user's address book. `contactId` is a login of this server or a foreign TrueConf ID
 * (`name@other.server`); whether it is one of our users is decided when it is read, so a contact added before
 * its user existed becomes a user contact once the user is created.
 */
export interface Contact {
  ownerId: string;
  contactId: string;
  /** The name the owner gave the contact; '' means "the user's own display name". */
  displayName: string;
  createdAt: number;
  /** The server user behind the contact, when there is one. */
  user: User | null;
}

export interface ContactInput {
  contactId?: string;
  displayName?: string;
}

/** Personal address books. Contacts shared through groups are not modelled: every contact has its owner. */
export class Contacts {
  constructor(private readonly ctx: EngineContext, private readonly users: Users) {}

  async list(actor: Actor, ownerId: string, page?: number, size?: number): Promise<Page<Contact>> {
    const owner = await this.users.get(ownerId);
    authorize(actor, 'users.addressbook:read', { owner: owner.id });
    const req = checkPage(page, size, 200);
    const base = this.ctx.db.selectFrom('contacts').where('owner_id', '=', owner.id);
    const [{ n }] = await base.select((eb) => eb.fn.countAll<number>().as('n')).execute();
    const rows = await base.selectAll().orderBy('created_at').orderBy('contact_id')
      .limit(req.size).offset((req.page - 1) * req.size).execute();
    return pageOf(await this.resolve(rows), Number(n), req);
  }

  async get(actor: Actor, ownerId: string, contactId: string): Promise<Contact> {
    const owner = await this.users.get(ownerId);
    authorize(actor, 'users.addressbook:read', { owner: owner.id });
    return this.one(owner.id, contactId);
  }

  async add(actor: Actor, ownerId: string, input: ContactInput): Promise<Contact> {
    const owner = await this.users.get(ownerId);
    authorize(actor, 'users.addressbook:write', { owner: owner.id });
    const id = this.checkId(owner.id, input.contactId);
    const displayName = this.checkName(input.displayName);
    if (await this.row(owner.id, id)) throw new DomainError('conflict', `Contact ${id} already exists.`, { field: 'contact_id' });
    await this.ctx.db.insertInto('contacts').values({ owner_id: owner.id, contact_id: id, display_name: displayName, created_at: seconds(this.ctx.now()) }).execute();
    this.changed(owner.id);
    return this.one(owner.id, id);
  }

  /** Renames a contact and, when `contactId` differs, points the entry at another id (keeping its place). */
  async update(actor: Actor, ownerId: string, contactId: string, input: ContactInput): Promise<Contact> {
    const owner = await this.users.get(ownerId);
    authorize(actor, 'users.addressbook:write', { owner: owner.id });
    const current = await this.one(owner.id, contactId);
    const patch: Partial<ContactsTable> = {};
    if (input.displayName !== undefined) patch.display_name = this.checkName(input.displayName);
    if (input.contactId !== undefined) {
      const id = this.checkId(owner.id, input.contactId);
      if (id !== current.contactId) {
        if (await this.row(owner.id, id)) throw new DomainError('conflict', `Contact ${id} already exists.`, { field: 'contact_id' });
        patch.contact_id = id;
      }
    }
    if (Object.keys(patch).length) {
      await this.ctx.db.updateTable('contacts').set(patch).where('owner_id', '=', owner.id).where('contact_id', '=', current.contactId).execute();
      this.changed(owner.id);
    }
    return this.one(owner.id, patch.contact_id ?? current.contactId);
  }

  async remove(actor: Actor, ownerId: string, contactId: string): Promise<Contact> {
    const owner = await this.users.get(ownerId);
    authorize(actor, 'users.addressbook:write', { owner: owner.id });
    const c = await this.one(owner.id, contactId);
    await this.ctx.db.deleteFrom('contacts').where('owner_id', '=', owner.id).where('contact_id', '=', c.contactId).execute();
    this.changed(owner.id);
    return c;
  }

  private async one(ownerId: string, contactId: string): Promise<Contact> {
    const row = await this.row(ownerId, this.users.idOf(contactId));
    if (!row) throw notFound('contact', contactId);
    const [c] = await this.resolve([row]);
    return c;
  }

  private row(ownerId: string, contactId: string) {
    return this.ctx.db.selectFrom('contacts').selectAll().where('owner_id', '=', ownerId).where('contact_id', '=', contactId).executeTakeFirst();
  }

  private async resolve(rows: ContactsTable[]): Promise<Contact[]> {
    const users = await this.users.findMany(rows.map((r) => r.contact_id));
    return rows.map((r) => ({
      ownerId: r.owner_id, contactId: r.contact_id, displayName: r.display_name, createdAt: r.created_at,
      user: users.get(r.contact_id) ?? null,
    }));
  }

  /** Normalises a login or TrueConf ID the way users are keyed (our own server suffix dropped, lower case). */
  private checkId(ownerId: string, contactId: unknown): string {
    if (contactId === undefined || contactId === null || contactId === '') throw missing('contact_id');
    if (typeof contactId !== 'string') throw invalid('contact_id', 'contact_id must be a string');
    const id = this.users.idOf(contactId);
    if (!/^[^\s/]{1,128}$/.test(id)) throw invalid('contact_id', 'contact_id must be a login or a TrueConf ID (1..128 characters, no spaces)');
    if (id === ownerId) throw invalid('contact_id', 'A user cannot be a contact of themselves');
    return id;
  }

  private checkName(name: unknown): string {
    if (name === undefined || name === null) return '';
    if (typeof name !== 'string') throw invalid('display_name', 'display_name must be a string');
    if (name.length > 64) throw invalid('display_name', 'display_name must be 0..64 characters');
    return name.trim();
  }

  /** The owner's contact list is part of what faces show for that user. */
  private changed(ownerId: string): void {
    this.ctx.bus.emit('user.updated', { userId: ownerId, credentialsChanged: false });
  }
}
