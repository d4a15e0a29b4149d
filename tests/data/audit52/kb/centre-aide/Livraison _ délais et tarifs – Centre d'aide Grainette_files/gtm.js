/* Google Tag Manager (saved copy) */
(function(){var data={"resource":{"version":"412","macros":[{"function":"__e"}]}};window.google_tag_manager=window.google_tag_manager||{};})();
