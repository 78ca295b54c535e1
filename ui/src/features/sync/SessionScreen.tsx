export function SessionScreen(_props: { id?: string }) { return <p>Coming soon</p>; }
