/* Zendesk Web Widget snippet */
!function(){window.zE=window.zE||function(){(zE.q=zE.q||[]).push(arguments)}}();
