import { AuditorWorkspace } from '../auditor/AuditorWorkspace';
import { CentreWorkspace } from '../centre/CentreWorkspace';
import { ClinicianWorkspace } from '../clinician/ClinicianWorkspace';
import { PatientWorkspace } from '../patient/PatientWorkspace';
import { useSession } from '../session/session';
import { ROLE_TITLES } from '../vocabulary/names';

export function Workspace() {
  const { user, signOut } = useSession();
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Custodia</span>
        <span className="who">
          {user.displayName ?? user.username}
          <span className="role"> · {ROLE_TITLES[user.role]}</span>
        </span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main">
        {user.role === 'patient' && <PatientWorkspace />}
        {user.role === 'clinician' && <ClinicianWorkspace />}
        {user.role === 'centre' && <CentreWorkspace />}
        {user.role === 'auditor' && <AuditorWorkspace />}
        {user.role === 'admin' && (
          <p>Administrators manage organisations and users with the `custodia` command-line client.</p>
        )}
      </main>
    </>
  );
}
