export function App() {
  return <main>Custodia</main>;
}
