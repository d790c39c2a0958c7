/**
 * Settings → People: first the signed-in person's own profile and picture, for everyone (the top bar's name opens the
 * page); then, for admins, the organization's members, with their picture, role, teams, capacity and status;
 * invitations to bring new ones in; and the teams conversations are routed to, with the organization's default
 * capacity. Each part saves on its own and reports back here, so the others show the change without reloading the page.
 * Agents are told the rest is not theirs, and nothing of it is asked for: the server refuses them too (`forbidden`).
 * @module
 */
import { isAdminRole, type Agent, type Invitation, type Person, type RoutingSettings, type Team } from '@parley/protocol';
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleApi } from '../api.js';
import { errorMessage } from '../console-controller.js';
import { DefaultCapacityForm } from './capacity.js';
import { Invitations } from './invitations.js';
import { PeopleTable } from './people-table.js';
import { ProfileSection } from './profile-section.js';
import { TeamsSettings } from './teams-settings.js';

/** Props of {@link PeopleSettings}. */
export interface PeopleSettingsProps {
  api: ConsoleApi;
  /** The signed-in person. */
  viewer: Pick<Agent, 'id' | 'role'>;
}

/** `person` with the picture at `avatarUrl`, or none (null). */
function withAvatar(person: Person, avatarUrl: string | null): Person {
  const { avatarUrl: _previous, ...rest } = person;
  return avatarUrl === null ? rest : { ...rest, avatarUrl };
}

interface Loaded {
  people: Person[];
  invitations: Invitation[];
  defaultCapacity: number;
  teams: Team[];
}

/** The Settings → People page: the profile, and for admins the organization's people. */
export function PeopleSettings({ api, viewer }: PeopleSettingsProps) {
  if (!isAdminRole(viewer.role)) {
    return (
      <section class="people-page" aria-labelledby="people-title">
        <h1 id="people-title">People</h1>
        <ProfileSection api={api} />
        <p class="hint">Only admins can manage people and teams. Ask an admin of your organization.</p>
      </section>
    );
  }
  return <OrganizationPeople api={api} viewer={viewer} />;
}

/** The admins' page: the profile, members, invitations, teams and default capacity. */
function OrganizationPeople({ api, viewer }: PeopleSettingsProps) {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);

  async function load() {
    setLoadError(null);
    try {
      const [people, { teams }] = await Promise.all([api.listPeople(), api.listTeams()]);
      setLoaded({
        people: people.people,
        invitations: people.invitations,
        defaultCapacity: people.defaultMaxConversations,
        teams,
      });
    } catch (error) {
      setLoadError(errorMessage(error));
    }
  }

  useEffect(() => {
    void load();
  }, [api]);

  const heading = <h1 id="people-title">People</h1>;
  if (loadError) {
    return (
      <section class="people-page" aria-labelledby="people-title">
        {heading}
        <p class="form-error" role="alert">
          {loadError}
        </p>
        <div>
          <button type="button" class="button" onClick={() => void load()}>
            Try again
          </button>
        </div>
      </section>
    );
  }
  if (!loaded) {
    return (
      <section class="people-page" aria-labelledby="people-title">
        {heading}
        <p class="hint">Loading…</p>
      </section>
    );
  }
  const { people, invitations, defaultCapacity, teams } = loaded;

  /** Applies `change` to the latest state: answers may arrive in any order. */
  const update = (change: (latest: Loaded) => Partial<Loaded>) =>
    setLoaded((latest) => (latest ? { ...latest, ...change(latest) } : latest));

  function personChanged(person: Person) {
    update((latest) => ({ people: latest.people.map((candidate) => (candidate.id === person.id ? person : candidate)) }));
  }

  /** A picture changed, here or in the profile: the row shows the new one. */
  function avatarChanged(userId: string, avatarUrl: string | null) {
    update((latest) => ({
      people: latest.people.map((person) => (person.id === userId ? withAvatar(person, avatarUrl) : person)),
    }));
  }

  /** A capacity answer carries every agent's own capacity and the default: all of them may have changed. */
  function routingChanged(routing: RoutingSettings) {
    const capacities = new Map(routing.agents.map((entry) => [entry.userId, entry.maxConversations]));
    update((latest) => ({
      defaultCapacity: routing.defaultMaxConversations,
      people: latest.people.map((person) =>
        capacities.has(person.id) ? { ...person, maxConversations: capacities.get(person.id) ?? null } : person,
      ),
    }));
  }

  return (
    <section class="people-page" aria-labelledby="people-title">
      {heading}
      <p class="knowledge-intro">
        {viewer.role === 'owner'
          ? 'Invite people, change their role, capacity and teams, and deactivate those who left.'
          : 'Invite agents, change their capacity and teams, and deactivate those who left. Only an owner can invite, promote or change admins and owners.'}
      </p>
      <ProfileSection api={api} onAvatarChange={(avatarUrl) => avatarChanged(viewer.id, avatarUrl)} />
      <PeopleTable
        api={api}
        viewer={viewer}
        people={people}
        teams={teams}
        defaultCapacity={defaultCapacity}
        onPersonChange={personChanged}
        onAvatarChange={avatarChanged}
        onRoutingChange={routingChanged}
      />
      <Invitations
        api={api}
        viewer={viewer}
        invitations={invitations}
        teams={teams}
        onInvitationsChange={(change) => update((latest) => ({ invitations: change(latest.invitations) }))}
      />
      <TeamsSettings
        api={api}
        teams={teams}
        people={people}
        onTeamsChange={(change) => update((latest) => ({ teams: change(latest.teams) }))}
      />
      <DefaultCapacityForm api={api} defaultCapacity={defaultCapacity} onRoutingChange={routingChanged} />
    </section>
  );
}
