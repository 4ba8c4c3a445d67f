import { PGlite } from '@electric-sql/pglite';
const db = new PGlite();
await db.exec(`create table t(id int); insert into t select g from generate_series(1,10) g;`);
try { await db.exec(`alter table t add column flag char(1) default 'X' check (flag in ('Y','N'))`); console.log('no error: check not evaluated'); } catch (e) { console.log('ADD COLUMN DEFAULT X CHECK:', e.message); }
try { await db.exec(`alter table t add column f2 int check (f2 is not null)`); console.log('nullable no-default + CHECK(f2 is not null): accepted (no row check)'); } catch (e) { console.log('ADD COLUMN no default CHECK(is not null):', e.message); }
