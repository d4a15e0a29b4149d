/** @type {import('@docusaurus/plugin-content-docs').SidebarsConfig} */
const sidebars = {
  api: [
    'intro',
    'authentification',
    'webhooks',
    {
      type: 'link',
      label: 'Statut du service',
      href: 'https://statut.pointly.fr',
    },
  ],
};

module.exports = sidebars;
