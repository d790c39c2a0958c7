// The inbox at scale, seeded in bulk SQL for the benchmarks that read it (inbox-search, rest-throughput): ten agents and
// `total` conversations of an organization (2% queued, 3% with the bot, 10% with an agent, 80% resolved, 5% closed),
// each with its contact and four or five messages, 2% of them follow-ups.

/**
 * Seeds `parley`'s organization (from `startParley`) with `total` conversations; `sql` is drizzle-orm's tag. Returns
 * the agents' ids and a session token of the first agent.
 */
export async function seedInbox(parley, { total, sql }) {
  const { handle, accounts, organization, widget } = parley;
  const db = handle.db;
  // Ten agents; the bench signs in as the first. Assigned conversations are spread over all of them.
  const agentIds = [];
  for (let index = 0; index < 10; index++) {
    const user = await accounts.createAgent(db, {
      organizationId: organization.id,
      email: `inbox-bench-${index}-${Date.now()}@bench.example`,
      name: `Agent ${index}`,
      password: 'bench-password',
      role: 'agent',
    });
    agentIds.push(user.id);
  }
  const [me] = await db.execute(sql`select email from users where id = ${agentIds[0]}`).then((result) => result.rows ?? result);
  const login = await fetch(`${parley.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: me.email, password: 'bench-password' }),
  });
  const { token } = await login.json();

  const seedStart = performance.now();
  const org = organization.id;
  const agents = sql`array[${sql.join(
    agentIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  )}]`;
  // Words for the messages: templates with common words, and 60 products (each in about 1 in 60 messages).
  const templates = [
    'Hi, where is my order? It has not arrived yet.',
    'I would like a refund for the',
    'Can I change the delivery address for my',
    'The item arrived broken, please help with the',
    'Do you ship to Canada? I want to buy a',
    'How do I reset my password?',
    'Is there a discount code for the',
    'My payment failed twice when buying the',
  ];
  const products = (
    'kettle toaster blender mixer grinder juicer fryer steamer oven microwave fridge freezer dishwasher washer dryer ' +
    'vacuum iron fan heater humidifier purifier lamp chair desk sofa table bed mattress pillow blanket towel curtain ' +
    'rug mirror clock speaker headphones earbuds charger cable keyboard mouse monitor laptop tablet phone camera ' +
    'tripod drone printer scanner router modem watch bracelet backpack suitcase umbrella bottle thermos'
  ).split(' ');
  const replies = [
    'Thanks for writing, let me check that for you.',
    'Sorry about that! I have sent a replacement.',
    'Done, anything else?',
  ];
  const textArray = (list) =>
    sql`array[${sql.join(
      list.map((text) => sql`${text}`),
      sql`, `,
    )}]::text[]`;

  await db.execute(sql`
    insert into contacts (id, organization_id, widget_id, name, email, created_at, last_seen_at)
    select md5(${org} || ':contact:' || i)::uuid, ${org}, ${widget.id},
           (array['Ada','Grace','Alan','Edsger','Barbara','Donald','Margaret','Ken','Linus','Radia'])[1 + i % 10] || ' Customer' || i,
           'customer' || i || '@example' || (i % 100) || '.com',
           now() - (${total} - i) * interval '30 seconds', now()
    from generate_series(1, ${total}) i`);
  // Statuses: 2% queued, 3% with the bot, 10% with an agent, 80% resolved, 5% closed. Open ones end with the visitor.
  await db.execute(sql`
    insert into conversations (id, organization_id, widget_id, contact_id, status, assignee_id, last_seq, created_at, updated_at, last_message_at)
    select md5(${org} || ':conversation:' || i)::uuid, ${org}, ${widget.id}, md5(${org} || ':contact:' || i)::uuid,
           s.status, case when s.status in ('agent', 'resolved') then (${agents})[1 + i % 10] end,
           case when s.status in ('queued', 'bot', 'agent') then 5 else 4 end,
           now() - (${total} - i) * interval '30 seconds' - interval '10 minutes',
           now() - (${total} - i) * interval '30 seconds', now() - (${total} - i) * interval '30 seconds'
    from generate_series(1, ${total}) i,
         lateral (select case when i % 100 < 2 then 'queued' when i % 100 < 5 then 'bot' when i % 100 < 15 then 'agent'
                              when i % 100 < 95 then 'resolved' else 'closed' end as status) s`);
  // Messages 1–4: visitor, answer, visitor, answer; open conversations get a fifth from the visitor, unanswered.
  await db.execute(sql`
    insert into messages (conversation_id, seq, client_id, author_kind, body, created_at)
    select c.id, m.seq, 'seed-' || m.seq,
           case when m.seq % 2 = 1 then 'visitor' when c.status = 'bot' then 'bot' else 'agent' end,
           case when m.seq % 2 = 0 then (${textArray(replies)})[1 + (g.i + m.seq) % ${replies.length}]
                else (${textArray(templates)})[1 + (g.i * 7 + m.seq) % ${templates.length}] || ' '
                     || (${textArray(products)})[1 + (g.i * 13 + m.seq * 5) % ${products.length}] || ' (order #' || (g.i * 10 + m.seq) || ')'
           end,
           c.updated_at - (5 - m.seq) * interval '1 minute'
    from generate_series(1, ${total}) g(i)
    join conversations c on c.id = md5(${org} || ':conversation:' || g.i)::uuid
    cross join lateral generate_series(1, c.last_seq) m(seq)`);
  await db.execute(sql`
    update conversations set waiting_since = last_message_at
    where organization_id = ${org} and status in ('queued', 'bot', 'agent')`);
  // 2% are follow-ups.
  await db.execute(sql`
    insert into tickets (conversation_id, organization_id)
    select id, organization_id from conversations where organization_id = ${org} and (('x' || left(id::text, 8))::bit(32)::int % 50) = 0`);
  // As autovacuum would leave them after a while: statistics, the visibility map, GIN pending lists merged.
  for (const table of ['contacts', 'conversations', 'messages', 'tickets']) await db.execute(sql.raw(`vacuum analyze ${table}`));
  const seedSeconds = (performance.now() - seedStart) / 1000;
  return { agentIds, token, seedSeconds };
}
