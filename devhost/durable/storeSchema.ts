// Numbered, append-only migrations of the durable store; PRAGMA user_version records how many ran.

export const storeMigrations: readonly string[] = [
  `
  CREATE TABLE instances (
    hub TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    name TEXT NOT NULL,
    version TEXT NOT NULL DEFAULT '',
    execution_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN
      ('Pending','Running','ContinuedAsNew','Suspended','Completed','Failed','Canceled','Terminated')),
    input TEXT,
    output TEXT,
    custom_status TEXT,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    parent_instance_id TEXT,
    parent_execution_id TEXT,
    parent_task_id INTEGER,
    parent_name TEXT,
    PRIMARY KEY (hub, instance_id)
  );
  CREATE INDEX instances_by_created ON instances (hub, created_ms);

  -- The current execution's history; earlier executions are dropped by continueAsNew.
  CREATE TABLE history (
    hub TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    event TEXT NOT NULL,
    PRIMARY KEY (hub, instance_id, seq)
  );

  -- Messages for an instance: start, completions, timers (visible_ms = fire time), events, control.
  -- execution_id NULL means "whichever execution is current".
  CREATE TABLE inbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    hub TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    execution_id TEXT,
    timer_id INTEGER,
    visible_ms INTEGER NOT NULL,
    event TEXT NOT NULL
  );
  CREATE INDEX inbox_by_instance ON inbox (hub, instance_id, visible_ms);
  CREATE INDEX inbox_by_visible ON inbox (hub, visible_ms);

  -- Activities scheduled and not yet completed; all of them run again after a restart (at least once).
  CREATE TABLE work (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    hub TEXT NOT NULL,
    instance_id TEXT NOT NULL,
    execution_id TEXT NOT NULL,
    task_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    input TEXT
  );
  CREATE INDEX work_by_instance ON work (hub, instance_id);
  `,
];
