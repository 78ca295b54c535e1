export function History(_props: { id?: string }) { return <p>Coming soon</p>; }
