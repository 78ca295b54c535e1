export function SettingsScreen(_props: { id?: string }) { return <p>Coming soon</p>; }
