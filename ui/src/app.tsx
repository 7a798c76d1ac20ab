import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, NavLink, Route, Routes, useLocation, useNavigate } from 'react-router';
import { api } from './api/client.ts';
import { AuthProvider, can, useUser } from './auth.tsx';
import { LangSwitch } from './components/LangSwitch.tsx';
import { BoardGate } from './pages/BoardGate.tsx';
import { Cases } from './pages/Cases.tsx';
import { EntityProfilePage } from './pages/EntityProfilePage.tsx';
import { DoctorProfile } from './pages/DoctorProfile.tsx';
import { Doctors } from './pages/Doctors.tsx';
import { InstitutionProfile } from './pages/InstitutionProfile.tsx';
import { Institutions } from './pages/Institutions.tsx';
import { EntitySearch } from './pages/EntitySearch.tsx';
import { Login } from './pages/Login.tsx';
import { RingQueue } from './pages/RingQueue.tsx';
import { RingWorkspace } from './pages/RingWorkspace.tsx';
import { Runs } from './pages/Runs.tsx';
import { Schedules } from './pages/Schedules.tsx';

function Shell() {
  const user = useUser();
  const { t } = useTranslation();
  const location = useLocation();
  const navigate = useNavigate();
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  return (
    <div className="shell">
      <header className="topbar">
        <NavLink to="/" className="brand">
          {t('app.short')}
        </NavLink>
        <nav>
          <NavLink to="/" end>
            {t('nav.rings')}
          </NavLink>
          {can.explore(user.role) && <NavLink to="/search">{t('nav.search')}</NavLink>}
          <NavLink to="/cases" data-testid="nav-cases">
            {t('nav.cases')}
          </NavLink>
          {can.seeRatings(user.role) && <NavLink to="/institutions">{t('rating.nav')}</NavLink>}
          {can.seeRatings(user.role) && (
            <NavLink to="/doctors" data-testid="nav-doctors">
              {t('doctorRating.nav')}
            </NavLink>
          )}
          {can.seeRuns(user.role) && <NavLink to="/runs">{t('nav.runs')}</NavLink>}
          {can.seeSchedules(user.role) && (
            <NavLink to="/reports" data-testid="nav-reports">
              {t('nav.reports')}
            </NavLink>
          )}
          {can.jobBoard(user.role) && (
            <NavLink to="/job-board" data-testid="nav-board">
              {t('board.link')}
            </NavLink>
          )}
        </nav>
        <div className="topbar-right">
          <span className="user" data-testid="current-user">
            {user.displayName} · {t(`role.${user.role}`)}
            {can.masked(user.role) && <span className="badge badge-muted">{t('nav.masked')}</span>}
          </span>
          <LangSwitch />
          <button
            type="button"
            className="link"
            onClick={() => {
              void api.logout().finally(() => navigate('/login'));
            }}
          >
            {t('nav.logout')}
          </button>
        </div>
      </header>
      <main className="content">
        <Routes>
          <Route path="/" element={<RingQueue />} />
          <Route path="/rings/:ringId" element={<RingWorkspace />} />
          <Route path="/search" element={<EntitySearch />} />
          <Route path="/entities/:type/:key" element={<EntityProfilePage />} />
          <Route path="/runs" element={<Runs />} />
          <Route path="/cases" element={<Cases />} />
          <Route path="/reports" element={<Schedules />} />
          <Route path="/job-board" element={<BoardGate />} />
          <Route path="/institutions" element={<Institutions />} />
          <Route path="/institutions/:code" element={<InstitutionProfile />} />
          <Route path="/doctors" element={<Doctors />} />
          <Route path="/doctors/:code" element={<DoctorProfile />} />
          <Route path="*" element={<div className="state">{t('state.notFound')}</div>} />
        </Routes>
      </main>
    </div>
  );
}

export function App() {
  return (
    <AuthProvider>
      <BrowserRouter>
        <Routes>
          <Route path="/login" element={<Login />} />
          <Route path="/*" element={<Shell />} />
        </Routes>
      </BrowserRouter>
    </AuthProvider>
  );
}
