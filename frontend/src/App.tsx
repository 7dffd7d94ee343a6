import { createHashRouter, Navigate, Outlet, RouterProvider } from 'react-router';
import { Header } from './components/Header';
import { Issuer } from './pages/Issuer';
import { Markets } from './pages/Markets';
import { NotFound } from './pages/NotFound';
import { Portfolio } from './pages/Portfolio';
import { Registrar } from './pages/Registrar';
import { Security } from './pages/Security';

function Shell() {
  return (
    <div className="shell">
      <Header />
      <main className="main">
        <Outlet />
      </main>
    </div>
  );
}

// Hash routes: the built dApp is static files that any web server (or gateway) can serve as they are.
const router = createHashRouter([
  {
    element: <Shell />,
    children: [
      { index: true, element: <Navigate to="/markets" replace /> },
      { path: 'markets', element: <Markets /> },
      { path: 'security/:symbol', element: <Security /> },
      { path: 'portfolio', element: <Portfolio /> },
      { path: 'issuer', element: <Issuer /> },
      { path: 'registrar', element: <Registrar /> },
      { path: '*', element: <NotFound /> },
    ],
  },
]);

export function App() {
  return <RouterProvider router={router} />;
}
