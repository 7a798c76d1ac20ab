/**
 * A workbench user as people know them: the display name, with the username beside it in small
 * type (two people may share a name; the username is what the audit log and the API hold). An
 * account that no longer exists has no name: its username stands alone.
 */
export function PersonName({ name, username, testId = 'person-name' }: { name: string | null | undefined; username: string; testId?: string }) {
  if (!name || name === username) {
    return (
      <span data-testid={testId} data-username={username}>
        {username}
      </span>
    );
  }
  return (
    <span data-testid={testId} data-username={username}>
      {name} <span className="muted small mono">{username}</span>
    </span>
  );
}

/** The same as plain text, for sentences and option labels: "王芳（wang.fang）". */
export const personText = (name: string | null | undefined, username: string, lang: 'zh' | 'en') =>
  !name || name === username ? username : lang === 'zh' ? `${name}（${username}）` : `${name} (${username})`;
